const OPERATIONS = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => {
    if (b === 0) throw new Error('Division by zero');
    return a / b;
  },
};

export default async function handler(inputs) {
  const { operation, a, b } = inputs;
  const apply = OPERATIONS[operation];
  if (!Object.hasOwn(OPERATIONS, operation)) throw new Error(`Unknown operation: ${String(operation)}`);
  if (typeof a !== 'number' || typeof b !== 'number') throw new Error('a and b must be numbers');
  return { result: apply(a, b) };
}
