"""The sync layer: bundle format and container, keys and crypto, export, the member's
import of down-bundles, and (``hub/``) the hub's enrolment, import and publish.

May import: ``fazhi_tui.storage``, ``fazhi_tui.domain``, ``fazhi_tui.base``. Never Textual.
"""
