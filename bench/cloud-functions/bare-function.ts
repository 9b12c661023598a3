// An edge function that only answers: what the Deno runtime itself costs to
// start and serve one request, the baseline of the cloud resources bench.
declare const Deno: { serve(handler: () => Response): unknown };

Deno.serve(() => new Response('ok'));
