"""Registry/audit decorator applied to workflow classes."""

import functools

REGISTRY: dict = {}


def audited_workflow(cls):
    original = cls.run

    @functools.wraps(original)
    def run(self, *args, **kwargs):
        count = 0
        for item in original(self, *args, **kwargs):
            count += 1
            yield item
        self.session_state["audited_items"] = count

    cls.run = run
    REGISTRY[cls.__name__] = cls
    return cls
