// Test helper (run by local/liveshop-local's AmplifyEventsClientTest): the real aws-amplify Events client subscribes
// to one channel of the local AppSync Events API and prints, one JSON line each, what it sees:
//   {"type":"subscribed"} once events.connect() resolved, {"type":"data","event":…} per event, {"type":"error",…}.
// It exits after EXPECT events, or with code 2 after TIMEOUT_MS.
// Env: ENDPOINT (the HTTP endpoint, …/event), API_KEY, CHANNEL, EXPECT (default 1), TIMEOUT_MS (default 20000),
// AUTH_TOKEN (optional: subscribe with authMode 'lambda' and this token, as the pages do for /carts/{cartId}).
import WebSocketImpl from 'ws';

const { ENDPOINT, API_KEY, CHANNEL, AUTH_TOKEN } = process.env;
const expect = Number(process.env.EXPECT || 1);
const print = (line) => process.stdout.write(JSON.stringify(line) + '\n');

// Amplify always upgrades the scheme to wss://. The local stack serves plain ws:// on loopback only, so loopback
// URLs are mapped back to ws://; any other host is left alone (TLS as usual).
const toLoopback = (url) => String(url).replace(/^wss:\/\/(localhost|127\.0\.0\.1|\[::1\])([:/])/, 'ws://$1$2');
globalThis.WebSocket = class LoopbackWebSocket extends WebSocketImpl {
  constructor(url, protocols, options) {
    super(toLoopback(url), protocols, options);
  }
};

// Imported after the WebSocket global is in place.
const { Amplify } = await import('aws-amplify');
const { events } = await import('aws-amplify/data');

Amplify.configure({
  API: { Events: { endpoint: ENDPOINT, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey: API_KEY } },
});

const timer = setTimeout(() => { print({ type: 'timeout' }); process.exit(2); }, Number(process.env.TIMEOUT_MS || 20000));
let seen = 0;
const channel = await events.connect(CHANNEL, AUTH_TOKEN ? { authMode: 'lambda', authToken: AUTH_TOKEN } : undefined);
channel.subscribe({
  next: (message) => {
    print({ type: 'data', event: message.event });
    if (++seen >= expect) {
      clearTimeout(timer);
      channel.close();
      setTimeout(() => process.exit(0), 100);
    }
  },
  error: (error) => print({ type: 'error', error: String(error && (error.message || JSON.stringify(error))) }),
});
print({ type: 'subscribed' });
