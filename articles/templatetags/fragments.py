"""`{% fragment "name" value … %}…{% endfragment %}`: a part of a template rendered once per
content change and kept with the other fragments (newsroom/pagecache.py), like Django's
`{% cache %}` but emptied by the same generations as the pages instead of by a timeout. The
values after the name tell copies apart (the day, say). What is inside must not depend on
anything else that differs between requests."""

from django import template

from newsroom.pagecache import fragment

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        parts = [str(self.name.resolve(context))]
        parts += [str(value.resolve(context)) for value in self.vary_on]
        return fragment("template:" + ":".join(parts), lambda: self.nodelist.render(context))


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
