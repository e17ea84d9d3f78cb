"""expressentry: Canada's Express Entry system as rules-as-code."""

__version__ = "0.1.0"
