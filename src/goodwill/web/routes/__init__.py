"""The dashboard's routes, one module per page group; each a thin shell over a library
function in :mod:`goodwill.dashboard`."""
