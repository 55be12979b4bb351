import { maskCardNumbersIn } from '../../src/read/maskCardNumbers';
import { maskPans } from '../../src/observe/logger';

const PAN = '4811111111111114';

describe('card numbers are masked, ids are not', () => {
  test('a card number in free text is masked to its first six and last four digits, grouped or not', () => {
    expect(maskCardNumbersIn(`paid with ${PAN}.`)).toBe('paid with 481111******1114.');
    expect(maskCardNumbersIn('card 4811 1111 1111 1114')).toBe('card 481111******1114');
  });

  test('a UUID whose digit groups pass the Luhn check is kept whole, in the read API and in the log', () => {
    const id = '5a75ed72-1280-4261-4811-111111111114';
    expect(maskCardNumbersIn(`charge response opens attempt ${id} at pending/accept`)).toBe(`charge response opens attempt ${id} at pending/accept`);
    expect(maskPans(id)).toBe(id);
    expect(maskPans(`request ${id} with ${PAN}`)).toBe(`request ${id} with ************1114`);
  });

  test('digits inside a hexadecimal id are not a card number', () => {
    const text = `tx a3e${PAN} and ${PAN}f0`;
    expect(maskCardNumbersIn(text)).toBe(text);
    expect(maskPans(text)).toBe(text);
  });
});
