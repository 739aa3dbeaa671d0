"""Reading ERP and CRM exports (CSV, XLSX, Parquet; Dutch or English) into the store."""

from goodwill.ingest.options import ImportOptions
from goodwill.ingest.problems import Problem
from goodwill.ingest.report import ImportReport, UndoReport

__all__ = ["ImportOptions", "ImportReport", "Problem", "UndoReport"]
