import { registerGlidepathMatchers } from 'glidepath/testing';

registerGlidepathMatchers();
