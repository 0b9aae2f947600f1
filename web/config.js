// Where the pages find the API and the AppSync Events API. Empty = the origin that served the page (the local
// stack, or an API Gateway custom domain that also serves the pages) and, for events, the local stack's own
// emulator as GET /_local names it. For pages hosted on S3/CloudFront against a deployed stack, set apiBase to
// the stack's ApiUrl output and events to its EventsHttpEndpoint and EventsApiKey outputs (the key is public:
// it only lets a browser subscribe to /shows and /carts), e.g.
//   apiBase: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live',
//   events: { http: 'https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event',
//             apiKey: 'da2-…', region: 'eu-west-1' },
// cdnBase is where the public reads go (GET /products…, /sessions, /sessions/{id} and its timeline, messages and
// calendar.ics): the stack's CdnUrl output, e.g. 'https://d111111abcdef8.cloudfront.net'. Empty = apiBase (itself
// empty = this origin): pages served by the CDN itself (docs/cdn.md "CDN") leave both empty and send everything through it.
export default {
  apiBase: '',
  cdnBase: '',
  events: { http: '', apiKey: '', region: '' },
};
