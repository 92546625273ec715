/// How a channel call reaches its callee: CWASI's three modes, chosen from where the
/// callee runs (Docs/Channels.md).
public enum ChannelMode: String, Sendable, CaseIterable {
    /// The callee's module is linked into the caller's store: a direct Wasm call.
    case embedding
    /// The callee runs in another sandbox on this node; data moves through host memory.
    case local
    /// The callee runs on another node; data moves over TCP (or, when that node cannot
    /// be reached directly, through Redis: `networkRedis`).
    case network
    /// The network mode through Redis pub/sub (`RedisRelay`): CWASI's fallback path.
    case networkRedis = "network-redis"
}
