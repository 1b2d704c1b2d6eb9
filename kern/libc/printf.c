/*
 * printf.c -- formatted printing into a buffer.  vsnprintf never writes
 * past size bytes, always terminates when size > 0, and returns the
 * length the full output would have had, as C's does.  Supports the
 * conversions the kernel uses: d i u x X o p s c %, flags - 0 # + and
 * space, width/precision (also *), and the h hh l ll z j t length
 * modifiers.
 */
#include <sys/systm.h>

struct outbuf {
	char *buf;
	size_t size, len;
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* What a conversion's flags ask for. */
struct numfmt {
	int width, prec;
	bool left, zero, alt; /* - 0 # */
	char sign;	      /* '+' or ' ' for a non-negative d/i, else 0 */
};

static void out_number(struct outbuf *o, uintmax_t v, bool negative,
		       unsigned base, bool upper, struct numfmt f)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	const char *prefix = "";
	char tmp[24], sign = negative ? '-' : f.sign;
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (f.prec >= 0)
		f.zero = false;
	if (f.alt && base == 16 && !(n == 1 && tmp[0] == '0'))
		prefix = upper ? "0X" : "0x";
	if (f.alt && base == 8 && f.prec <= n && tmp[n - 1] != '0')
		f.prec = n + 1; /* octal's alternate form: a leading 0 */
	len = (f.prec > n ? f.prec : n) + (sign ? 1 : 0) + (int)strlen(prefix);
	if (!f.left && !f.zero)
		out_pad(o, ' ', f.width - len);
	if (sign)
		out_char(o, sign);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	if (!f.left && f.zero)
		out_pad(o, '0', f.width - len);
	out_pad(o, '0', f.prec - n);
	while (n > 0)
		out_char(o, tmp[--n]);
	if (f.left)
		out_pad(o, ' ', f.width - len);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {buf, size, 0};

	for (; *fmt; fmt++) {
		bool left = false, zero = false, alt = false;
		int width = 0, prec = -1, lmod = 0; /* -2 hh -1 h 1 l 2 ll */
		char sign = 0;
		struct numfmt nf;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else if (*fmt == '#')
				alt = true;
			else if (*fmt == '+')
				sign = '+';
			else if (*fmt == ' ' && sign != '+')
				sign = ' ';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'h')
				lmod--;
			else if (*fmt == 'l')
				lmod++;
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
				lmod = 2;
			else
				break;
		}
		nf = (struct numfmt){width, prec, left, zero, alt, 0};
		switch (*fmt) {
		case 'd':
		case 'i': {
			intmax_t v = lmod >= 2	 ? va_arg(ap, long long)
				     : lmod == 1 ? va_arg(ap, long)
						 : va_arg(ap, int);
			if (lmod == -1)
				v = (short)v;
			else if (lmod <= -2)
				v = (signed char)v;
			nf.sign = sign;
			out_number(&o, v < 0 ? -(uintmax_t)v : (uintmax_t)v,
				   v < 0, 10, false, nf);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			uintmax_t v = lmod >= 2 ? va_arg(ap, unsigned long long)
				      : lmod == 1 ? va_arg(ap, unsigned long)
						  : va_arg(ap, unsigned int);
			if (lmod == -1)
				v = (unsigned short)v;
			else if (lmod <= -2)
				v = (unsigned char)v;
			out_number(&o, v, false,
				   *fmt == 'o'	 ? 8
				   : *fmt == 'u' ? 10
						 : 16,
				   *fmt == 'X', nf);
			break;
		}
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				   false, nf);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;
			if (s == NULL)
				s = "(null)";
			len = (int)strnlen(s, prec >= 0 ? (size_t)prec
							: (size_t)-1);
			if (!left)
				out_pad(&o, ' ', width - len);
			for (int i = 0; i < len; i++)
				out_char(&o, s[i]);
			if (left)
				out_pad(&o, ' ', width - len);
			break;
		}
		case 'c':
			out_char(&o, (char)va_arg(ap, int));
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
