export default async function handler(inputs) {
  return { greeting: `Hello, ${inputs.name}` };
}
