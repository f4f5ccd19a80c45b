"""Readers' pages: views, HTTP caching, feeds, sitemaps, structured data, their selectors."""
