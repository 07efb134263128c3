"""Exporting a dialogue's summary on the convener's own machine (docs/export.md).

Everything here runs where the plaintext is: the ciphertext bundle is opened with the archive
key, turned into a summary, anonymised after the convener has reviewed every finding
(``facilitator.export.anonymise``, the same rules as ``static/js/export/anonymise.js``) and
written out. Plaintext never goes to the server to be anonymised.
"""
