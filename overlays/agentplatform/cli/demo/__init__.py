"""`agentplatform demo`: a guided tour of the SDK against an in-process sandbox.

`tour.run_tour` runs it; `steps` holds the code each step shows and runs;
`receiver.WebhookReceiver` is the tiny local server that receives webhook deliveries.
"""
