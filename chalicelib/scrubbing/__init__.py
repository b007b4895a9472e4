"""The claim scrubber: rules that judge a claim before it goes out, with CMS's NCCI and MUE edit tables."""
