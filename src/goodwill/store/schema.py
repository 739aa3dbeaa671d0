"""The data contract: the eight input tables, their columns, types, keys and rules.

Defined once; the importer, the store's DDL, the exporter and the docs all read it.
Every ``*_on`` column is stored as ``TIMESTAMP`` (a plain date is midnight), money and
quantities as ``DOUBLE``, identifiers as ``VARCHAR`` (leading zeros survive).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goodwill._typing import ColumnType, TableName

#: Allowed values of each enumeration, with the Dutch (and common English) synonyms
#: that the importer maps to them. Keys are the stored values.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {
        "customer": ("klant", "afnemer", "client"),
        "prospect": ("prospect", "lead", "potentiele klant", "potentiële klant"),
        "supplier": ("leverancier", "vendor", "crediteur"),
    },
    "channel": {
        "visit": ("bezoek", "verkoopbezoek", "klantbezoek", "site visit"),
        "call": ("telefoon", "bellen", "telefoongesprek", "gesprek", "phone", "phone call"),
        "email": ("e-mail", "mail", "email", "e mail"),
        "event": ("evenement", "klantendag", "beurs", "seminar", "webinar"),
        "meeting": ("vergadering", "afspraak", "overleg", "bijeenkomst", "videocall", "teams"),
        "portal": ("portaal", "webshop", "web", "klantportaal", "online"),
    },
    "direction": {
        "inbound": ("inkomend", "in", "binnenkomend"),
        "outbound": ("uitgaand", "out"),
    },
    "purpose": {
        "sales": ("verkoop", "sales", "offerte", "verkoopgesprek"),
        "service": ("service", "dienstverlening", "support", "ondersteuning"),
        "relationship": ("relatie", "relatiebeheer", "relatiegesprek", "kennismaking"),
        "reference": ("referentie",),
        "event": ("evenement", "klantendag"),
        "product_preview": ("productpreview", "product preview", "productintroductie", "preview"),
        "joint_project": (
            "gezamenlijk project",
            "samenwerkingsproject",
            "project",
            "joint project",
        ),
        "complaint": ("klacht",),
        "other": ("overig", "anders", "overige"),
    },
    "status": {
        "requested": ("aangevraagd", "gevraagd"),
        "declined": ("afgewezen", "geweigerd", "niet geoffreerd"),
        "open": ("openstaand", "lopend"),
        "won": ("gewonnen", "gescoord", "geaccepteerd", "akkoord"),
        "lost": ("verloren", "afgeslagen"),
    },
    "severity": {
        "low": ("laag", "gering"),
        "medium": ("middel", "gemiddeld", "normaal"),
        "high": ("hoog", "ernstig"),
        "critical": ("kritiek", "kritisch", "zeer hoog"),
    },
}


@dataclass(frozen=True)
class Column:
    """One column of an input table."""

    name: str
    type: ColumnType
    required: bool = False
    enum: str | None = None
    #: money/number columns that may not be negative
    non_negative: bool = False
    #: Dutch and alternative header names matched to this column
    synonyms: tuple[str, ...] = ()
    #: value used when the column is missing or empty (documented in docs/import.md)
    default: str | None = None


@dataclass(frozen=True)
class Reference:
    """A column whose value must be the key of a row in another table."""

    column: str
    table: TableName
    #: for contacts: the referenced row must belong to the same account
    same_account: bool = False


@dataclass(frozen=True)
class Table:
    """One input table: its key, columns, references and date-order rules."""

    name: TableName
    key: str
    columns: tuple[Column, ...]
    references: tuple[Reference, ...] = ()
    #: (earlier, later): the later date may not come before the earlier one
    date_order: tuple[tuple[str, str], ...] = ()
    synonyms: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: ColumnType, *synonyms: str, **kw: object) -> Column:
    return Column(name, type_, synonyms=synonyms, **kw)  # type: ignore[arg-type]


ACCOUNT_ID = (
    "klantnummer",
    "klantnr",
    "klant",
    "relatienummer",
    "relatienr",
    "debiteurnummer",
    "debiteurnr",
    "debiteur",
    "crediteurnummer",
    "leveranciernummer",
    "account",
    "customer id",
    "customer",
    "customer number",
    "klant id",
    "relatie id",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "accounts",
            key="account_id",
            synonyms=("klanten", "relaties", "debiteuren", "accounts"),
            columns=(
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "name",
                    "text",
                    "naam",
                    "bedrijfsnaam",
                    "klantnaam",
                    "relatienaam",
                    "company",
                    "company name",
                    required=True,
                ),
                _c(
                    "kind",
                    "enum",
                    "soort",
                    "type",
                    "relatietype",
                    "account type",
                    enum="kind",
                    default="customer",
                ),
                _c(
                    "owner",
                    "text",
                    "accountmanager",
                    "account manager",
                    "eigenaar",
                    "verkoper",
                    "vertegenwoordiger",
                ),
                _c("segment", "text", "branche", "sector", "markt", "industry"),
                _c("country", "text", "land"),
                _c("region", "text", "regio", "provincie", "gebied"),
                _c("postcode", "text", "postal code", "zip", "zipcode", "zip code"),
                _c(
                    "employees",
                    "integer",
                    "medewerkers",
                    "aantal medewerkers",
                    "werknemers",
                    "fte",
                    non_negative=True,
                ),
                _c(
                    "parent_id",
                    "id",
                    "moedermaatschappij",
                    "moeder",
                    "concern",
                    "parent",
                    "hoofdrelatie",
                    "groep",
                ),
                _c("currency", "text", "valuta", "munteenheid", default="EUR"),
                _c(
                    "created_on",
                    "timestamp",
                    "aangemaakt op",
                    "aanmaakdatum",
                    "klant sinds",
                    "created",
                    "sinds",
                ),
                _c(
                    "payment_terms_days",
                    "integer",
                    "betalingstermijn",
                    "betaaltermijn",
                    "betalingstermijn dagen",
                    "payment terms",
                    non_negative=True,
                ),
                _c(
                    "credit_limit", "money", "kredietlimiet", "kredietlimiet eur", non_negative=True
                ),
                _c(
                    "insured_limit",
                    "money",
                    "verzekerde limiet",
                    "kredietverzekering",
                    "verzekerd limiet",
                    "gedekte limiet",
                    non_negative=True,
                ),
            ),
            references=(Reference("parent_id", "accounts"),),
        ),
        Table(
            "contacts",
            key="contact_id",
            synonyms=("contactpersonen", "contacten"),
            columns=(
                _c(
                    "contact_id",
                    "id",
                    "contactnummer",
                    "contactpersoon id",
                    "contactnr",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c("name", "text", "naam", "contactpersoon", "volledige naam"),
                _c("role", "text", "rol", "functie", "job title", "title"),
                _c("email", "text", "e-mail", "e-mailadres", "emailadres", "mail"),
                _c(
                    "started_on",
                    "timestamp",
                    "in dienst",
                    "startdatum",
                    "begindatum",
                    "sinds",
                    "start",
                ),
                _c(
                    "left_on",
                    "timestamp",
                    "uit dienst",
                    "vertrokken op",
                    "einddatum",
                    "vertrek",
                    "end",
                ),
            ),
            references=(Reference("account_id", "accounts"),),
            date_order=(("started_on", "left_on"),),
        ),
        Table(
            "orders",
            key="order_id",
            synonyms=("orders", "verkooporders", "bestellingen", "orderregels", "inkooporders"),
            columns=(
                _c(
                    "order_id",
                    "id",
                    "ordernummer",
                    "ordernr",
                    "bestelnummer",
                    "order",
                    "orderregel",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "ordered_on",
                    "timestamp",
                    "orderdatum",
                    "besteldatum",
                    "datum",
                    "date",
                    "order date",
                    required=True,
                ),
                _c(
                    "amount",
                    "money",
                    "bedrag",
                    "orderbedrag",
                    "omzet",
                    "netto bedrag",
                    "totaal",
                    "waarde",
                    "value",
                    "revenue",
                    required=True,
                ),
                _c("margin", "money", "marge", "brutomarge", "winst", "gross margin"),
                _c("quantity", "number", "aantal", "hoeveelheid", "qty"),
                _c(
                    "delivered_quantity",
                    "number",
                    "geleverd aantal",
                    "geleverde hoeveelheid",
                    "aantal geleverd",
                ),
                _c(
                    "category",
                    "text",
                    "categorie",
                    "productgroep",
                    "artikelgroep",
                    "product category",
                ),
                _c("channel", "text", "kanaal", "verkoopkanaal", "sales channel"),
                _c(
                    "confirmed_on",
                    "timestamp",
                    "bevestigd op",
                    "bevestigingsdatum",
                    "orderbevestiging",
                ),
                _c(
                    "promised_on",
                    "timestamp",
                    "beloofd op",
                    "toegezegde leverdatum",
                    "beloofde leverdatum",
                    "gewenste leverdatum",
                    "promised date",
                ),
                _c(
                    "delivered_on",
                    "timestamp",
                    "geleverd op",
                    "leverdatum",
                    "afleverdatum",
                    "delivery date",
                ),
                _c(
                    "is_test",
                    "boolean",
                    "testorder",
                    "proefbestelling",
                    "proeforder",
                    "test order",
                    default="false",
                ),
            ),
            references=(Reference("account_id", "accounts"),),
            date_order=(
                ("ordered_on", "delivered_on"),
                ("ordered_on", "confirmed_on"),
                ("ordered_on", "promised_on"),
            ),
        ),
        Table(
            "invoices",
            key="invoice_id",
            synonyms=("facturen", "debiteurenposten", "openstaande posten"),
            columns=(
                _c(
                    "invoice_id",
                    "id",
                    "factuurnummer",
                    "factuurnr",
                    "factuur",
                    "invoice",
                    "invoice number",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "issued_on", "timestamp", "factuurdatum", "datum", "invoice date", required=True
                ),
                _c(
                    "due_on",
                    "timestamp",
                    "vervaldatum",
                    "vervaldag",
                    "uiterste betaaldatum",
                    "due date",
                    required=True,
                ),
                _c(
                    "amount",
                    "money",
                    "bedrag",
                    "factuurbedrag",
                    "totaal",
                    "bedrag incl",
                    required=True,
                ),
                _c(
                    "paid_on",
                    "timestamp",
                    "betaald op",
                    "betaaldatum",
                    "datum betaling",
                    "payment date",
                ),
                _c("paid_amount", "money", "betaald bedrag", "betaald", "voldaan", "amount paid"),
            ),
            references=(Reference("account_id", "accounts"),),
            date_order=(("issued_on", "due_on"),),
        ),
        Table(
            "interactions",
            key="interaction_id",
            synonyms=("contactmomenten", "activiteiten", "interacties"),
            columns=(
                _c(
                    "interaction_id",
                    "id",
                    "contactmoment",
                    "contactmoment id",
                    "activiteit",
                    "activiteitnummer",
                    "activity id",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "occurred_on",
                    "timestamp",
                    "datum",
                    "tijdstip",
                    "date",
                    "activity date",
                    required=True,
                ),
                _c(
                    "channel",
                    "enum",
                    "kanaal",
                    "soort",
                    "type",
                    "contactvorm",
                    enum="channel",
                    required=True,
                ),
                _c("direction", "enum", "richting", enum="direction"),
                _c("purpose", "enum", "doel", "onderwerp", "reden", "aanleiding", enum="purpose"),
                _c("contact_id", "id", "contactpersoon id", "contactnummer", "contactnr"),
                _c(
                    "minutes",
                    "number",
                    "minuten",
                    "duur",
                    "duur minuten",
                    "duration",
                    non_negative=True,
                ),
                _c("cost", "money", "kosten", "costs", non_negative=True),
                _c("employee", "text", "medewerker", "behandelaar", "door", "user"),
            ),
            references=(
                Reference("account_id", "accounts"),
                Reference("contact_id", "contacts", same_account=True),
            ),
        ),
        Table(
            "complaints",
            key="complaint_id",
            synonyms=("klachten", "tickets"),
            columns=(
                _c(
                    "complaint_id",
                    "id",
                    "klachtnummer",
                    "klachtnr",
                    "ticket",
                    "ticketnummer",
                    "ticket id",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "opened_on",
                    "timestamp",
                    "gemeld op",
                    "datum",
                    "aangemaakt op",
                    "meldingsdatum",
                    "created",
                    required=True,
                ),
                _c(
                    "first_response_on",
                    "timestamp",
                    "eerste reactie",
                    "eerste reactie op",
                    "gereageerd op",
                    "first response",
                ),
                _c(
                    "resolved_on",
                    "timestamp",
                    "opgelost op",
                    "afgehandeld op",
                    "afgesloten op",
                    "closed on",
                    "resolved",
                ),
                _c("severity", "enum", "ernst", "prioriteit", "priority", enum="severity"),
                _c("category", "text", "categorie", "soort klacht"),
                _c("order_id", "id", "ordernummer", "ordernr", "order"),
            ),
            references=(Reference("account_id", "accounts"), Reference("order_id", "orders")),
            date_order=(("opened_on", "first_response_on"), ("opened_on", "resolved_on")),
        ),
        Table(
            "promises",
            key="promise_id",
            synonyms=("toezeggingen", "beloftes", "afspraken"),
            columns=(
                _c("promise_id", "id", "toezegging", "toezeggingnummer", "belofte", required=True),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c("made_on", "timestamp", "gedaan op", "toegezegd op", "datum", required=True),
                _c(
                    "due_on",
                    "timestamp",
                    "deadline",
                    "uiterlijk",
                    "vervaldatum",
                    "streefdatum",
                    required=True,
                ),
                _c("kept_on", "timestamp", "nagekomen op", "gerealiseerd op", "afgerond op"),
                _c("made_by", "text", "door", "toegezegd door", "medewerker"),
                _c("description", "text", "omschrijving", "beschrijving", "toelichting"),
            ),
            references=(Reference("account_id", "accounts"),),
            date_order=(("made_on", "due_on"), ("made_on", "kept_on")),
        ),
        Table(
            "quotes",
            key="quote_id",
            synonyms=("offertes",),
            columns=(
                _c(
                    "quote_id",
                    "id",
                    "offertenummer",
                    "offertenr",
                    "offerte",
                    "quote",
                    required=True,
                ),
                _c("account_id", "id", *ACCOUNT_ID, required=True),
                _c(
                    "issued_on",
                    "timestamp",
                    "offertedatum",
                    "datum",
                    "uitgebracht op",
                    required=True,
                ),
                _c(
                    "amount",
                    "money",
                    "bedrag",
                    "offertebedrag",
                    "waarde",
                    required=True,
                    non_negative=True,
                ),
                _c("status", "enum", "stand", "uitkomst", enum="status", default="open"),
                _c("decided_on", "timestamp", "besloten op", "beslisdatum", "datum besluit"),
                _c("lost_to", "text", "verloren aan", "concurrent", "competitor"),
                _c("request_id", "id", "aanvraag", "aanvraagnummer", "rfq", "request"),
            ),
            references=(Reference("account_id", "accounts"),),
            date_order=(("issued_on", "decided_on"),),
        ),
    )
}

#: Import order: a table comes after every table it references.
TABLE_ORDER: tuple[TableName, ...] = (
    "accounts",
    "contacts",
    "orders",
    "invoices",
    "interactions",
    "complaints",
    "promises",
    "quotes",
)

SQL_TYPES: dict[str, str] = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "timestamp": "TIMESTAMP",
    "money": "DOUBLE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


def table(name: str) -> Table:
    """The table named ``name``; raises KeyError for an unknown name."""
    return TABLES[name]
