// Where the pages find the API. Empty = the origin that served the page (the local stack, or an API Gateway
// custom domain that also serves the pages). For pages hosted on S3/CloudFront against a deployed stack, set
// apiBase to the stack's ApiUrl output and wsUrl to its WebSocket URL, e.g.
//   apiBase: 'https://abc123.execute-api.eu-west-1.amazonaws.com/live',
//   wsUrl:   'wss://def456.execute-api.eu-west-1.amazonaws.com/live',
export default {
  apiBase: '',
  wsUrl: '',
};
