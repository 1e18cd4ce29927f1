"""The RDF layer below ``export``, ``sparql`` and ``server``: what they all read and write.

* ``formats``: the format registry (RDF serialisations and SPARQL result formats);
* ``results``: ``QueryResult`` and the SELECT/ASK result writers;
* ``jsonld``: the JSON-LD context and writer (the other RDF writers are in ``sgraph.serialize``);
* ``stats``: the summary of a graph that the JSON-LD context and VoID are built from;
* ``sparql_lexer``: the one SPARQL lexer.
"""
