"""Submits tasks to Courier's broker as other languages' clients do, for MessagingIT.

stomp.py (which sends content-length, so the task arrives as a bytes message) and Qpid Proton
(a string body, a binary Data section, and bodies that cannot carry a task). Each message has the
application property `probe`: <prefix><case>; the good ones also carry the key <prefix><case>.

usage: submit_tasks.py HOST STOMP_PORT AMQP_PORT USER PASSWORD PREFIX
"""
import json
import sys

import stomp
from proton import Message
from proton.utils import BlockingConnection

host, stomp_port, amqp_port, user, password, prefix = sys.argv[1:7]


def task(case):
    return json.dumps({"type": "echo", "payload": {"via": case}, "key": prefix + case})


# STOMP: every send is followed by the DISCONNECT's receipt, so each has reached the broker
connection = stomp.Connection12([(host, int(stomp_port))])
connection.connect(user, password, wait=True)
for case, body in (("stomp-good", task("stomp-good")), ("stomp-bad", "{not json")):
    connection.send(
        destination="courier.tasks",
        body=body,
        content_type="application/json",
        headers={"probe": prefix + case, "persistent": "true", "destination-type": "ANYCAST"},
    )
connection.disconnect()

# AMQP 1.0: a blocking sender returns once the broker has settled the message
amqp = BlockingConnection(
    "amqp://%s:%s" % (host, amqp_port), user=user, password=password, allowed_mechs="PLAIN"
)
sender = amqp.create_sender("courier.tasks")
cases = (
    ("amqp-string-good", task("amqp-string-good"), False),
    ("amqp-binary-good", task("amqp-binary-good").encode("utf-8"), True),
    ("amqp-map-bad", {"type": "echo"}, False),
    ("amqp-binary-bad", b"\xff\xfe\x00", True),
)
for case, body, data_section in cases:
    message = Message(body=body, durable=True, properties={"probe": prefix + case})
    # inferred: a binary body goes as a Data section, not as an AmqpValue
    message.inferred = data_section
    sender.send(message)
amqp.close()
print("sent")
