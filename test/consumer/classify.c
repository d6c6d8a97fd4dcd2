// Classifies the Fashion-MNIST test images with the model qnnc compiled
// at build time (fashion.h, fashion_run) and prints how many it got right.
#include "fashion.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

// An idx file's payload: `count` items of `itemBytes` bytes after a header
// of `headerBytes`; NULL with a message when the file is not that.
static unsigned char *readIdx(const char *path, size_t headerBytes, size_t itemBytes, size_t count) {
  gzFile file = gzopen(path, "rb");
  if (!file) {
    fprintf(stderr, "classify: cannot open %s\n", path);
    return NULL;
  }
  unsigned char header[16];
  unsigned char *data = malloc(itemBytes * count);
  const int ok = data && gzread(file, header, (unsigned)headerBytes) == (int)headerBytes &&
                 gzread(file, data, (unsigned)(itemBytes * count)) == (int)(itemBytes * count);
  gzclose(file);
  if (!ok) {
    fprintf(stderr, "classify: %s is not %zu items of %zu bytes\n", path, count, itemBytes);
    free(data);
    return NULL;
  }
  return data;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  enum { kImages = 10000, kPixels = 28 * 28 };
  _Static_assert(FASHION_INPUT_SIZE == kPixels && FASHION_OUTPUT_SIZE == 10, "a 28x28, 10-class model");
  char imagesPath[4096], labelsPath[4096];
  snprintf(imagesPath, sizeof imagesPath, "%s/t10k-images-idx3-ubyte.gz", dir);
  snprintf(labelsPath, sizeof labelsPath, "%s/t10k-labels-idx1-ubyte.gz", dir);
  unsigned char *images = readIdx(imagesPath, 16, kPixels, kImages);
  unsigned char *labels = readIdx(labelsPath, 8, 1, kImages);
  if (!images || !labels)
    return 1;

  static _Alignas(64) unsigned char arena[FASHION_ARENA_BYTES];
  float input[kPixels], scores[10];
  int right = 0;
  for (int i = 0; i < kImages; ++i) {
    for (int p = 0; p < kPixels; ++p)
      input[p] = images[(size_t)i * kPixels + p] / 255.0f;
    fashion_run(input, scores, arena);
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (scores[c] > scores[best])
        best = c;
    right += best == labels[i];
  }
  printf("classify: %d of %d test images right (%.4f)\n", right, kImages, right / (double)kImages);
  free(images);
  free(labels);
  return 0;
}
