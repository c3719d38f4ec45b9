"""The interface layer: the Textual app, its screens (``screens``), widgets (``widgets``)
and the helpers they share. Only this package imports Textual.

May import every layer below it: services, sync, storage, domain, base.
"""
