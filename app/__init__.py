"""backprop-xor: backpropagation taught live, an XOR network trained step by step.

Layers, each depending only on the ones before it:
- `app.engine`: the derivation as a pure, fast, traceable training engine;
- `app.sessions`: one trainer per browser tab, paced training in the background;
- `app.web`: the Flask app, Socket.IO events and HTTP routes;
- `templates/` and `static/`: the page.
"""

__version__ = "0.1.0"
