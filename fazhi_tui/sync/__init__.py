"""The sync layer: bundle format, keys and crypto, export, enrolment, hub import and publish.

It uses the storage and domain layers and never imports Textual.
"""
