"""Small Textual widgets and modals shared by the screens, one per file."""
