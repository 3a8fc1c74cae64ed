"""SSE endpoint body: one `data:` line per workflow item."""

import json


def sse_lines(flow, topic: str) -> list:
    lines = []
    for item in flow.run(topic=topic):
        payload = item.to_dict()
        lines.append("data: " + json.dumps({"event": payload.get("event"), "content": payload.get("content")}))
    return lines
