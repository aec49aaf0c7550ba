/** Service discovery on ZooKeeper (Node only; needs the optional peer package node-zookeeper-client). */
export { ZooKeeperSession, encodeMember, parseMember, type Member, type ZooKeeperOptions } from './zookeeper.js';
export { ServerRegistration, type RegistrationOptions } from './registration.js';
