/** Protocol ids and topics that define the p2pcloud mesh (see protocols/README.md). */
export const DHT_PROTOCOL = '/p2pcloud/kad/1.0.0'
/** mDNS service name: p2pcloud peers find each other on a LAN, not every libp2p node. */
export const MDNS_SERVICE_TAG = '_p2pcloud._udp.local'
/** Prefix of the agent version announced through identify. */
export const AGENT_NAME = 'p2pcloud'
