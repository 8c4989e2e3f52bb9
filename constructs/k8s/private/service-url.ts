export { namespaceOfServiceUrl } from '../../../lib/plan/kubernetes/service-url';
