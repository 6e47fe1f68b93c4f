#!/usr/bin/env python3
"""The seed shop signed in: requests/s of `mvt runserver` beside Django 3.2's
runserver (Debian's python3-django) serving the same project, measured with
wrk in one run (issue 6's benchmark; not a test).

    /usr/bin/python3 bench/shop_compare.py [--mvt build/mvt] [--seconds 10] [--connections 32]

Two workloads, each on both servers:
  GET  /shop/        the product list, signed in as the demo user;
  POST /shop/place/  a valid order form (CSRF token, total and status): each
                     request creates an order and redirects (302) to it.

mvt serves a copy of examples/mysite; Django serves an equivalent project
written here (the same models, the mysite templates copied verbatim, Django's
generic views with LoginRequiredMixin, the same fixture). Each side signs in
over HTTP once; wrk then sends that session's cookies (a Lua script makes the
POST). Both keep messages in a cookie (Django's FallbackStorage), which wrk
does not send back, so no session grows during the run. Prints requests/s,
the ratios, and mvt's RSS after the run. Needs wrk (apt-get install wrk)."""
import argparse
import pathlib
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import http.cookiejar

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from server_compare import free_port, rss_kb, wait_port  # noqa: E402

MYSITE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "mysite"
DEMO = ("demo", "mvt-demo-2026")
ORDER = {"total_amount": "28.75", "status": "paid"}


def mvt_project(root, mvt):
    site = root / "mysite"
    shutil.copytree(MYSITE, site, ignore=shutil.ignore_patterns("db.sqlite3*", "staticfiles", "media"))
    s = (site / "settings.yaml").read_text()
    (site / "settings.yaml").write_text(s.replace("DEBUG: true", "DEBUG: false").replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: ['*']"))
    for cmd in (["migrate", "--noinput"], ["loaddata", "sample"]):
        subprocess.run([mvt, *cmd], cwd=site, check=True, capture_output=True)
    return site


DJANGO_MODELS = """from django.conf import settings
from django.db import models
from django.urls import reverse


class Product(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ['name']

    def __str__(self):
        return self.name


class Order(models.Model):
    STATUS = [('pending', 'Pending'), ('paid', 'Paid'), ('shipped', 'Shipped'), ('cancelled', 'Cancelled')]
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='orders')
    order_date = models.DateTimeField(auto_now_add=True)
    total_amount = models.DecimalField(max_digits=10, decimal_places=2)
    status = models.CharField(max_length=20, default='pending', choices=STATUS)

    class Meta:
        ordering = ['-order_date']

    def __str__(self):
        return 'Order #%s' % self.id

    def get_absolute_url(self):
        return reverse('shop:order_detail', kwargs={'order_id': self.id})
"""

DJANGO_SHOP_VIEWS = """from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.views.generic import CreateView, DetailView, ListView

from .models import Order, Product


class ProductList(ListView):
    model = Product


class OrderDetail(LoginRequiredMixin, DetailView):
    model = Order
    pk_url_kwarg = 'order_id'

    def get_queryset(self):
        return Order.objects.filter(customer=self.request.user)


class PlaceOrder(LoginRequiredMixin, CreateView):
    model = Order
    fields = ['total_amount', 'status']

    def form_valid(self, form):
        form.instance.customer = self.request.user
        response = super().form_valid(form)
        # mvt's CreateView adds Django admin's success message.
        messages.success(self.request, 'The order “%s” was added successfully.' % self.object)
        return response

    def get_success_url(self):
        return reverse('shop:order_detail', kwargs={'order_id': self.object.id})
"""

DJANGO_SHOP_URLS = """from django.urls import path
from . import views
app_name = 'shop'
urlpatterns = [
    path('', views.ProductList.as_view(), name='product_list'),
    path('order/<int:order_id>/', views.OrderDetail.as_view(), name='order_detail'),
    path('place/', views.PlaceOrder.as_view(), name='place_order'),
]
"""

DJANGO_BLOG_URLS = """from django.urls import path
from django.views.generic import TemplateView
app_name = 'blog'
urlpatterns = [path('', TemplateView.as_view(template_name='base.html'), name='index')]
"""


def django_project(root):
    site = root / "djsite"
    for d in ("djsite", "blog", "shop/migrations", "shop/fixtures", "shop/templates/shop", "templates/registration"):
        (site / d).mkdir(parents=True, exist_ok=True)
    for f in ("djsite/__init__.py", "blog/__init__.py", "shop/__init__.py", "shop/migrations/__init__.py"):
        (site / f).write_text("")
    (site / "djsite" / "settings.py").write_text(f"""
SECRET_KEY = 'bench'
DEBUG = False
ALLOWED_HOSTS = ['*']
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions',
                  'django.contrib.messages', 'django.contrib.staticfiles', 'blog', 'shop']
MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', 'django.contrib.sessions.middleware.SessionMiddleware',
              'django.middleware.common.CommonMiddleware', 'django.middleware.csrf.CsrfViewMiddleware',
              'django.contrib.auth.middleware.AuthenticationMiddleware', 'django.contrib.messages.middleware.MessageMiddleware',
              'django.middleware.clickjacking.XFrameOptionsMiddleware']
ROOT_URLCONF = 'djsite.urls'
TEMPLATES = [{{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'DIRS': [{str(site / 'templates')!r}],
              'APP_DIRS': True, 'OPTIONS': {{'context_processors': ['django.template.context_processors.debug',
              'django.template.context_processors.request', 'django.contrib.auth.context_processors.auth',
              'django.contrib.messages.context_processors.messages']}}}}]
DATABASES = {{'default': {{'ENGINE': 'django.db.backends.sqlite3', 'NAME': {str(site / 'db.sqlite3')!r}}}}}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
USE_TZ = True
TIME_ZONE = 'UTC'
STATIC_URL = '/static/'
LOGIN_URL = '/accounts/login/'
LOGIN_REDIRECT_URL = '/shop/'
LOGOUT_REDIRECT_URL = '/shop/'
""")
    (site / "djsite" / "urls.py").write_text(
        "from django.urls import include, path\nurlpatterns = [path('', include('blog.urls')), "
        "path('shop/', include('shop.urls')), path('accounts/', include('django.contrib.auth.urls'))]\n")
    (site / "blog" / "urls.py").write_text(DJANGO_BLOG_URLS)
    (site / "shop" / "models.py").write_text(DJANGO_MODELS)
    (site / "shop" / "views.py").write_text(DJANGO_SHOP_VIEWS)
    (site / "shop" / "urls.py").write_text(DJANGO_SHOP_URLS)
    shutil.copy(MYSITE / "shop" / "fixtures" / "sample.json", site / "shop" / "fixtures" / "sample.json")
    for t in ("order_detail.html", "order_form.html", "product_list.html"):
        shutil.copy(MYSITE / "shop" / "templates" / "shop" / t, site / "shop" / "templates" / "shop" / t)
    shutil.copy(MYSITE / "templates" / "base.html", site / "templates" / "base.html")
    shutil.copy(MYSITE / "templates" / "registration" / "login.html", site / "templates" / "registration" / "login.html")
    (site / "manage.py").write_text("import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'djsite.settings')\n"
                                    "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n")
    for cmd in (["makemigrations", "shop"], ["migrate"], ["loaddata", "sample"]):
        subprocess.run(["/usr/bin/python3", "manage.py", *cmd], cwd=site, check=True, capture_output=True)
    return site


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(port):
    """Signs the demo user in over HTTP. Returns (sessionid, csrftoken cookie,
    the masked token of the place-order form)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    base = f"http://127.0.0.1:{port}"

    def token(path):
        body = opener.open(base + path).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    data = urllib.parse.urlencode({"username": DEMO[0], "password": DEMO[1],
                                   "csrfmiddlewaretoken": token("/accounts/login/")}).encode()
    try:
        opener.open(base + "/accounts/login/", data)
    except urllib.error.HTTPError as e:
        if e.code != 302:
            raise
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"sign-in failed on port {port}")
    body = opener.open(base + "/shop/").read().decode()
    if "Signed in as demo" not in body:
        raise RuntimeError(f"not signed in on port {port}")
    return cookies["sessionid"], cookies["csrftoken"], token("/shop/place/")


def post_script(path, sessionid, csrf_cookie, token):
    body = urllib.parse.urlencode({**ORDER, "csrfmiddlewaretoken": token})
    return f"""wrk.method = "POST"
wrk.path = "{path}"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sessionid={sessionid}; csrftoken={csrf_cookie}"
"""


def wrk(url, seconds, connections, headers=(), script=None):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    if "requests in" not in out:
        raise RuntimeError(f"wrk failed: {' '.join(cmd)}\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), total


def count_orders(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM shop_order").fetchone()[0]
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mvt", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "mvt"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    args.mvt = str(pathlib.Path(args.mvt).resolve())
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mvt-bench-shop-"))
    procs = []
    try:
        site = mvt_project(tmp, args.mvt)
        dj = django_project(tmp)
        p_mvt, p_dj = free_port(), free_port()
        procs.append(subprocess.Popen([args.mvt, "runserver", str(p_mvt), "--noreload"], cwd=site,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(["/usr/bin/python3", "manage.py", "runserver", str(p_dj), "--noreload"], cwd=dj,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(p_mvt)
        wait_port(p_dj)
        sides = {}
        for name, port, db in (("mvt", p_mvt, site / "db.sqlite3"), ("django", p_dj, dj / "db.sqlite3")):
            sessionid, csrf_cookie, token = sign_in(port)
            script = tmp / f"post_{name}.lua"
            script.write_text(post_script("/shop/place/", sessionid, csrf_cookie, token))
            sides[name] = (port, db, sessionid, csrf_cookie, script)
        results = {}
        for name, (port, db, sessionid, csrf_cookie, script) in sides.items():
            conns = args.connections if name == "mvt" else min(args.connections, 8)
            cookie = f"Cookie: sessionid={sessionid}; csrftoken={csrf_cookie}"
            get = wrk(f"http://127.0.0.1:{port}/shop/", args.seconds, conns, [cookie])
            before = count_orders(db)
            post = wrk(f"http://127.0.0.1:{port}/shop/place/", args.seconds, conns, script=script)
            created = count_orders(db) - before
            # wrk stops mid-request at the end of the run: those few are not counted.
            if not post[1] - conns <= created <= post[1] + conns:
                raise RuntimeError(f"{name}: {post[1]} POSTs but {created} orders created")
            results[name] = (get[0], post[0], created)
        rss = rss_kb(procs[0].pid)
        (g_m, p_m, c_m), (g_d, p_d, c_d) = results["mvt"], results["django"]
        print("signed-in GET /shop/ (product list):")
        print(f"  mvt runserver:    {g_m:10.0f} requests/s")
        print(f"  Django runserver: {g_d:10.0f} requests/s")
        print(f"  mvt / Django = {g_m / g_d:.1f}x")
        print("valid POST /shop/place/ (creates an order, 302):")
        print(f"  mvt runserver:    {p_m:10.0f} requests/s   ({c_m} orders created)")
        print(f"  Django runserver: {p_d:10.0f} requests/s   ({c_d} orders created)")
        print(f"  mvt / Django = {p_m / p_d:.1f}x")
        print(f"mvt RSS after the run: {rss / 1024:.1f} MB")
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
