// A local helper module: the bundler inlines it.
export function greet(name: string): string {
  return `hello, ${name}`;
}
