// Bundled by esbuild (local/liveshop-local/pom.xml) into vendor/aws-amplify/amplify-events.min.js: the pages load it
// with a plain <script> and use window.LiveshopEvents (events.js). Only the AppSync Events client of npm
// aws-amplify is in it; it talks to the configured Events endpoint and nothing else.
import { Amplify } from 'aws-amplify';
import { events } from 'aws-amplify/data';

window.LiveshopEvents = {
  /** endpoint: the Events HTTP endpoint (…/event); the real-time URL is derived from it by amplify. */
  configure({ endpoint, region, apiKey }) {
    Amplify.configure({ API: { Events: { endpoint, region: region || 'us-east-1', defaultAuthMode: 'apiKey', apiKey } } });
  },
  /** events.connect(channel, options): resolves to a channel with subscribe(observer) and close(). */
  connect(channel, options) {
    return events.connect(channel, options);
  },
};
