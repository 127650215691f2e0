"""In-dialect passes of Top, one pass per file."""
