import { selfDescriptionOf } from '../lib';
import { Drill } from './drill';

// The sample's identity is compiled in; ignore the environment and any properties file so
// the output is the same everywhere.
console.log(JSON.stringify(selfDescriptionOf(Drill, { env: false, propertiesFile: false }), null, 2));
