"""The interface layer: Textual screens and widgets. Only this package imports Textual."""
