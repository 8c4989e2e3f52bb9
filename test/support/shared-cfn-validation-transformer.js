// @ts-check
/** jest transform of `@aws/cloudformation-validate/index.js`: see ./shared-cfn-validation.js. */
module.exports = require('./shared-cfn-validation').transformer;
