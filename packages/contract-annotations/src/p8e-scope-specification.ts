/**
 * The base class of a scope specification declaration: a class extending it and decorated with
 * `@ScopeSpecificationDefinition({ uuid, name, description, partiesInvolved })` declares one
 * on-chain scope specification that contracts name in `@ScopeSpecification`.
 */
export abstract class P8eScopeSpecification {
  declare protected readonly p8eScopeSpecification: true;
}
