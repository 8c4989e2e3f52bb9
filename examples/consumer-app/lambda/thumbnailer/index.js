// Makes thumbnails of uploaded product images (the shop's own code, unrelated to glidepath).
exports.handler = async (event) => {
  const keys = (event.Records ?? []).map((r) => r.s3.object.key);
  console.log(JSON.stringify({ thumbnails: keys.length }));
  return { thumbnails: keys.length };
};
