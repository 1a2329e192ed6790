"""Detection in languages other than Python: PHP, JavaScript/TypeScript, Go, Java, C#,
Ruby (tree-sitter grammars), OpenAPI/Postman documents and, on request, Markdown.

Findings from here are ordinary ``Finding``s with a ``language`` and a hand-change
``hint``; their fix is always manual (the codemods rewrite Python only).
"""
