/**
 * The hello-world contract of the P8e examples: one party (OWNER) proposes a name and records it,
 * in scopes of the scope specification `io.p8e.contracts.examplekotlin.helloWorld`. The bundler
 * helpers live behind `@p8e/example-hello-world/bundle`.
 * @module
 */

export {
  type ExampleName,
  ExampleNameSchema,
  HelloWorldContract,
  HelloWorldScopeSpecification,
  helloWorldScopeSpecificationName,
} from "./contract.js";
