"""The use cases between the front doors (dashboard pages and command lines) and the packages
below: opening the store, the guarded write path, uploads, follow-up, and the read model the
pages render. Front doors import only this package."""
