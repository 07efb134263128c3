"""Operating an installation: commands an administrator runs next to the server."""
