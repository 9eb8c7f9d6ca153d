"""A project in a source layout: `src/` is no package, and `shop` imports itself as `shop`."""

from shop.cart import Cart

__all__ = ["Cart"]
