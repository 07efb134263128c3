"""The export: anonymisation rules shared by the command line and the browser."""
