/** The local MSB broker. */
export { Broker, BrokerEvents, MsbPortUrls, startBroker } from './broker';
export { BrokerOptions, BrokerLogger, BrokerStats, MsbPorts, ServiceInfo } from './options';
export { BrokerLimits, DEFAULT_LIMITS } from './limits';
export { DeliveryError, DeliveryFailure } from './errors';
export { FlowDefinition, ShortFlow, FlowError, FlowLimitError, CallTooLargeError, Mapping, Route, buildParameters, compileFlow } from './flows';
export { JsonPointerError, getPointer, setPointer, parsePointer } from './json-pointer';
export { checkSelfDescription, SelfDescriptionCheck } from './self-description';
