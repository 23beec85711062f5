// @connectrpc/connect's declarations name the DOM type HeadersInit, which @types/node does not declare globally.
type HeadersInit = ConstructorParameters<typeof Headers>[0];
