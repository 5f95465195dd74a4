/** The local MSB broker. */
export { Broker, BrokerEvents, MsbPortUrls, startBroker } from './broker';
export { BrokerOptions, BrokerLogger, MsbPorts, ServiceInfo } from './options';
export { DeliveryError, DeliveryFailure } from './errors';
export { FlowDefinition, ShortFlow, FlowError, Mapping, Route, buildParameters, compileFlow } from './flows';
export { JsonPointerError, getPointer, setPointer, parsePointer } from './json-pointer';
export { checkSelfDescription, SelfDescriptionCheck } from './self-description';
