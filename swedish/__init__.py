"""How Swedes write numbers and dates (``swedish/format.py``): the one package every layer,
pages included, may import; it imports nothing of ours."""
