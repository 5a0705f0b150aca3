"""The record as read: the data package loaded and validated (``dataset``, ``checks``), the
problems a curator is shown (``problems``, ``verbatim``), the vocabularies the book speaks
(``vocabulary``), and the parameters that select part of the record (``parameters``).

The first layer of the library: it imports nothing from the layers after it (``compute``,
``text``, ``charts``, ``chapters``)."""
