"""The installation's administration: coalitions and accounts."""
