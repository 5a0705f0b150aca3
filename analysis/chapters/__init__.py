"""Each chapter's content, from the record: what its notebook displays and glues. The last
layer of the library: it draws on all the others, and nothing in the library imports it."""
