#pragma once
/* C macros and variadic functions that Swift cannot import. */

#include <linux/videodev2.h>
#include <libv4l2.h>

/* V4L2 ioctl request codes (function-like macros in videodev2.h). */
static const unsigned long FER_VIDIOC_QUERYCAP = VIDIOC_QUERYCAP;
static const unsigned long FER_VIDIOC_ENUM_FMT = VIDIOC_ENUM_FMT;
static const unsigned long FER_VIDIOC_ENUM_FRAMESIZES = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long FER_VIDIOC_ENUM_FRAMEINTERVALS = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long FER_VIDIOC_G_FMT = VIDIOC_G_FMT;
static const unsigned long FER_VIDIOC_S_FMT = VIDIOC_S_FMT;
static const unsigned long FER_VIDIOC_TRY_FMT = VIDIOC_TRY_FMT;
static const unsigned long FER_VIDIOC_G_PARM = VIDIOC_G_PARM;
static const unsigned long FER_VIDIOC_S_PARM = VIDIOC_S_PARM;
static const unsigned long FER_VIDIOC_REQBUFS = VIDIOC_REQBUFS;
static const unsigned long FER_VIDIOC_QUERYBUF = VIDIOC_QUERYBUF;
static const unsigned long FER_VIDIOC_QBUF = VIDIOC_QBUF;
static const unsigned long FER_VIDIOC_DQBUF = VIDIOC_DQBUF;
static const unsigned long FER_VIDIOC_STREAMON = VIDIOC_STREAMON;
static const unsigned long FER_VIDIOC_STREAMOFF = VIDIOC_STREAMOFF;

/* Pixel formats (v4l2_fourcc macros). */
static const unsigned int FER_V4L2_PIX_FMT_MJPEG = V4L2_PIX_FMT_MJPEG;
static const unsigned int FER_V4L2_PIX_FMT_JPEG = V4L2_PIX_FMT_JPEG;
static const unsigned int FER_V4L2_PIX_FMT_YUYV = V4L2_PIX_FMT_YUYV;
static const unsigned int FER_V4L2_PIX_FMT_GREY = V4L2_PIX_FMT_GREY;
static const unsigned int FER_V4L2_PIX_FMT_H264 = V4L2_PIX_FMT_H264;
static const unsigned int FER_V4L2_PIX_FMT_UYVY = V4L2_PIX_FMT_UYVY;
static const unsigned int FER_V4L2_PIX_FMT_NV12 = V4L2_PIX_FMT_NV12;
static const unsigned int FER_V4L2_PIX_FMT_YUV420 = V4L2_PIX_FMT_YUV420;
static const unsigned int FER_V4L2_PIX_FMT_RGB24 = V4L2_PIX_FMT_RGB24;
static const unsigned int FER_V4L2_META_FMT_UVC = V4L2_META_FMT_UVC;

/* libv4l2's variadic entry points, with the one argument fer-live passes. */
static inline int fer_v4l2_open(const char *path, int flags) { return v4l2_open(path, flags); }
static inline int fer_v4l2_ioctl(int fd, unsigned long request, void *argument) {
    return v4l2_ioctl(fd, request, argument);
}
